import { createContext, useContext } from "react";

/* The per-request CSP nonce, handed from the server entry to <Scripts>. In
 * the browser it is empty: the scripts have already run by then. */
export const NonceContext = createContext("");
export const useNonce = () => useContext(NonceContext);

/* The request id (X-Request-Id, and the request's log line), for the error
 * page to show so a person can quote it. Rendered on the server only; in the
 * browser it is empty (a client-side error has no server request to name). */
export const RequestIdContext = createContext("");
export const useRequestId = () => useContext(RequestIdContext);
