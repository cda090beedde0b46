import { createContext, useContext } from "react";

/* The per-request CSP nonce, handed from the server entry to <Scripts>. In
 * the browser it is empty: the scripts have already run by then. */
export const NonceContext = createContext("");
export const useNonce = () => useContext(NonceContext);
