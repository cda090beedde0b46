import { startAuthentication, startRegistration } from "@simplewebauthn/browser";
import { useSubmit } from "@remix-run/react";
import { useEffect, useState } from "react";

/**
 * A button that runs a passkey ceremony in the browser: fetches the options
 * from `optionsPath`, asks the authenticator, and posts its answer to this
 * page's action (intent "passkey"). Shown only where the browser has WebAuthn
 * and scripts run; the code form works without it.
 */
export function PasskeyButton({ mode, optionsPath, label }: { mode: "register" | "login"; optionsPath: string; label: string }) {
  const submit = useSubmit();
  const [supported, setSupported] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setSupported(typeof window.PublicKeyCredential === "function"), []);
  if (!supported) return null;
  async function run() {
    setError(null);
    try {
      const res = await fetch(optionsPath, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "" });
      if (!res.ok) throw new Error(`options: ${res.status}`);
      const optionsJSON = await res.json();
      const answer = mode === "register" ? await startRegistration({ optionsJSON }) : await startAuthentication({ optionsJSON });
      submit({ intent: "passkey", response: JSON.stringify(answer) }, { method: "post" });
    } catch {
      setError("The passkey did not work. Try again, or use a code.");
    }
  }
  return (
    <div className="stack">
      <button type="button" className="secondary" onClick={() => void run()}>{label}</button>
      {error ? <p role="alert" className="form-error">{error}</p> : null}
    </div>
  );
}
