// The UI's only door to Rust: the generated bindings, re-exported. Never hand-write an invoke.
export * from "./bindings";
