/** The port an example server listens on: `PORT` from the environment, else 3000. */
export const portFrom = (env: Record<string, string | undefined>): number => Number(env['PORT'] ?? 3000)
