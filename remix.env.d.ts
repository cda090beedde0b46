/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

export {};

// Types of loader/action data follow single fetch (the future flag in remix.config.js).
declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}
