// `express4` is Express 4 installed under an alias; it has no types of its own.
declare module 'express4' {
  const express4: unknown;
  export default express4;
}
