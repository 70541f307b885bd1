// Ink's dev tools (only with DEV=true, which we never set) pull in the `ws` WebSocket library and
// its optional native add-ons; the bundle gets this stand-in instead of 40 KB it would never run.
export default class WebSocketUnavailable {}
