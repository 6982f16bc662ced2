import { Controller } from '@nestjs/common';

const unprefixedPaths = new Set<string>();

/**
 * A controller served outside `/api/v1` (operational endpoints, a page an e-mail links to). The
 * path is recorded when the class is declared, so that useApiPrefix excludes it without naming it.
 */
export function UnprefixedController(path: string): ClassDecorator {
  unprefixedPaths.add(path);
  return Controller(path);
}

/** Each path and every path below it (`health`, `health/live`). */
export function unprefixedControllerPaths(): string[] {
  return [...unprefixedPaths].flatMap((path) => [path, `${path}/{*rest}`]);
}
