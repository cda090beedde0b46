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
