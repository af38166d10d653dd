/** An own member of a parsed JSON object; inherited names (`constructor`, `toString`) read as absent. */
export function own(object: Readonly<Record<string, unknown>>, name: string): unknown {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}
