// Where the component and its transpiled form live.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The workspace's build of the component (`cargo build --release`). */
export const DEFAULT_COMPONENT = fileURLToPath(
  new URL('../../../target/component/wasm32-wasip2/release/audit_component.wasm', import.meta.url),
);

/** The transpiled component (`npm run build`). */
export const GEN = fileURLToPath(new URL('../gen/', import.meta.url));

/** The component to use: the argument, AUDIT_COMPONENT, or the workspace's build. */
export function componentPath(given) {
  const path = given || process.env.AUDIT_COMPONENT || DEFAULT_COMPONENT;
  if (!existsSync(path)) {
    throw new Error(
      `no component at ${path}: build it with \`cargo build --release\` in the repository, or name one with AUDIT_COMPONENT`,
    );
  }
  return path;
}
