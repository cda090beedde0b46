import { z } from "zod";

/**
 * Every setting the server reads, validated once at start-up: a bad value
 * stops the process with a message that names the setting, instead of
 * failing later inside a request.
 */
const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  PGLITE_DIR: z.string().default("./data"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  // The address to listen on: 127.0.0.1 (this machine only) unless told; 0.0.0.0 in a container or behind a proxy on another host.
  HOST: z.string().regex(/^[0-9a-fA-F:.]+$|^[a-zA-Z0-9.-]+$/, "must be an IP address or host name, such as 127.0.0.1 or 0.0.0.0").default("127.0.0.1"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // How long a stopping server lets a job under way finish before giving it back to the queue.
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(8),
  // Bearer token for /metrics (Prometheus); unset = no /metrics.
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters (a random token)").optional(),
  // Scheduled backups (README "Backups"): the directory (unset = none), how often, and how many are kept.
  BACKUP_DIR: z.string().optional(),
  BACKUP_EVERY_HOURS: z.coerce.number({ invalid_type_error: "must be a number of hours" }).int("must be a whole number of hours").min(1).max(24 * 31).default(24),
  BACKUP_KEEP: z.coerce.number({ invalid_type_error: "must be a number of backups" }).int("must be a whole number of backups").min(1).max(10_000).default(14),
  BACKUP_KEEP_DAYS: z.coerce.number({ invalid_type_error: "must be a number of days" }).int("must be a whole number of days").min(1).max(36_500).optional(),
  APP_URL: z.string().url("must be a full URL such as http://localhost:3000").optional(),
  STRIPE_SECRET_KEY: z.string().startsWith("sk_", "must start with sk_").optional(),
  STRIPE_WEBHOOK_SECRET: z.string().startsWith("whsec_", "must start with whsec_").optional(),
  STRIPE_API_BASE: z.string().url().optional(),
  // Direct Debit through GoCardless (docs/treasury.md): the API's access token, the webhook endpoint's secret, and
  // the API's address (unset = live, https://api.gocardless.com; https://api-sandbox.gocardless.com for the sandbox).
  GOCARDLESS_ACCESS_TOKEN: z.string().min(16, "must be a GoCardless access token (live_... or sandbox_...)").optional(),
  GOCARDLESS_WEBHOOK_SECRET: z.string().min(16, "must be the webhook endpoint's secret from the GoCardless dashboard (at least 16 characters)").optional(),
  GOCARDLESS_BASE_URL: z.string().url("must be a full URL such as https://api-sandbox.gocardless.com").optional(),
  SECURE_COOKIES: z.enum(["true", "false"]).optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, "must start with smtp:// or smtps:// (e.g. smtps://user:password@smtp.example.org:465)").optional(),
  MAIL_FROM: z.string().min(3).default("Co-op Register <no-reply@localhost>"),
  /** Proxies in front of the server whose X-Forwarded-For entries are believed (0: the socket's address is the client). */
  TRUST_PROXY: z.coerce.number({ invalid_type_error: "must be a number of proxies (0, 1, 2 ...)" }).int("must be a whole number of proxies").min(0).max(10).default(0),
  DEV_TOOLS: z.enum(["true", "false"], { message: "must be true or false" }).default("false").transform((v) => v === "true"),
  ALLOW_EMBEDDED_DB: z.enum(["true", "false"], { message: "must be true or false" }).default("false").transform((v) => v === "true"),
  // The fault runs' markers (app/utils/fault-markers.server.ts): tests only.
  FAULT_MARKERS: z.enum(["0", "1"], { message: "must be 1 or 0" }).default("0").transform((v) => v === "1"),
  FAULT_HOLD: z.string().regex(/^[\w.-]+(@\d+)?$/, "must be a marker name, optionally with @N (its Nth passage)").optional(),
}).superRefine((e, ctx) => {
  // A fault marker can stop the server inside a transaction: never in production.
  if (e.FAULT_MARKERS && e.NODE_ENV === "production") {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["FAULT_MARKERS"], message: "cannot be 1 when NODE_ENV=production (it is for the fault tests)" });
  }
  // Development pages (the outbox at /dev/mail shows password-reset links) exist only when asked for, never in production.
  if (e.DEV_TOOLS && e.NODE_ENV === "production") {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["DEV_TOOLS"], message: "cannot be true when NODE_ENV=production (the development pages show password-reset links)" });
  }
  // A production server on the embedded database is usually a missing DATABASE_URL, not a choice.
  if (e.NODE_ENV === "production" && !e.DATABASE_URL && !e.ALLOW_EMBEDDED_DB) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ["DATABASE_URL"],
      message: "is not set, so the server would keep its data in the embedded database in PGLITE_DIR. Set DATABASE_URL to your PostgreSQL server, or ALLOW_EMBEDDED_DB=true if the embedded database is what you want in production",
    });
  }
});

export type Env = z.output<typeof EnvSchema>;

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty string means "not set" (a common shell habit: FOO= npm start).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid settings in the environment:\n${lines.join("\n")}`);
  }
  return result.data;
}

/** Whether the development pages (/dev/...) are served: DEV_TOOLS=true, and never in production. */
export function devToolsEnabled(e: Pick<Env, "DEV_TOOLS" | "NODE_ENV">): boolean {
  return e.DEV_TOOLS && e.NODE_ENV !== "production";
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
