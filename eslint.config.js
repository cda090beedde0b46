import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";

export default tseslint.config(
  { ignores: ["build/", "build-*/", "public/build/", "node_modules/", "data/", ".cache/", ".ci/results/", "bench-data/", "backups/", "tmp/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
      // Money must never pass through floating point: parseFloat on user input is a smell here.
      "no-restricted-globals": ["error", { name: "parseFloat", message: "Money is bigint minor units: use parseMoney from app/domain/money.ts" }],
      // Business dates follow the organisation's time zone, never the UTC clock.
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.property.name='toISOString'][callee.object.type='NewExpression'][callee.object.arguments.length=0]",
          message: "A business date from the UTC clock books the wrong day near midnight: use today(organisation) from app/utils/clock.server.ts (or dateInZone).",
        },
        {
          selector: "CallExpression[callee.property.name='formData'][callee.object.name='request']",
          message: "Read form bodies with readForm(request) from app/utils/forms.server.ts: it streams multipart with limits and turns bad bodies into a 400.",
        },
      ],
    },
  },
);
