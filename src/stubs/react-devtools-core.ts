// Ink imports react-devtools-core statically for its dev tools; we never enable
// them, and the real package is not installed, so the bundle gets this stub.
export default { initialize() {}, connectToDevTools() {} };
