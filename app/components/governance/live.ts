import { useEffect } from "react";
import { useRevalidator } from "@remix-run/react";

/** Reload the page's data every `seconds` while voting is open, so turnout stays live. */
export function useLiveTurnout(active: boolean, seconds = 15) {
  const { revalidate, state } = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (state === "idle" && document.visibilityState === "visible") revalidate();
    }, seconds * 1000);
    return () => clearInterval(timer);
  }, [active, seconds, revalidate, state]);
}
