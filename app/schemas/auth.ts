import { z } from "zod";
import { emailField, passwordField } from "./common";

export const LoginSchema = z.object({
  email: emailField,
  password: z.string({ required_error: "Enter your password" }).min(1, "Enter your password").max(200),
  redirectTo: z.string().optional(),
});

export const ForgotPasswordSchema = z.object({ email: emailField });

export const NewPasswordSchema = z
  .object({ password: passwordField, confirm: z.string({ required_error: "Repeat the password" }) })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords do not match" });

export const AcceptInvitationSchema = z
  .object({
    name: z.string({ required_error: "Enter your name" }).trim().min(1, "Enter your name").max(200),
    password: passwordField,
    confirm: z.string({ required_error: "Repeat the password" }),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords do not match" });

export const ChangePasswordSchema = z
  .object({
    current: z.string({ required_error: "Enter your current password" }).min(1).max(200),
    password: passwordField,
    confirm: z.string({ required_error: "Repeat the password" }),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords do not match" });

/** The calendar feed page: make a new private address, or switch the feed off. */
export const CalendarFeedSchema = z.object({ intent: z.enum(["renew", "stop"], { required_error: "Choose what to do" }) });

/** The second step of log-in: the authenticator's 6 digits, or a recovery code. */
export const SecondFactorSchema = z.object({
  code: z.string({ required_error: "Enter the code from your authenticator app, or a recovery code" }).trim().min(6, "Enter the 6-digit code, or a recovery code").max(40),
});

/** A passkey's answer from the browser (@simplewebauthn/browser), as JSON. */
export const PasskeyAnswerSchema = z.object({
  intent: z.literal("passkey"),
  response: z.string().min(2).max(20_000).transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "The passkey's answer could not be read" });
      return z.NEVER;
    }
  }),
});

/** Setting up, and managing, two-factor log-in. */
export const TwoFactorSchema = z.object({
  intent: z.enum(["confirm", "regenerate", "disable"]),
  code: z.string({ required_error: "Enter the 6-digit code from your authenticator app" }).trim().min(6, "Enter the 6-digit code from your authenticator app").max(40),
});
