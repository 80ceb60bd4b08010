// Event builders for tests, kept beside the contract they build (libs/events, where its own unit tests use
// them) but out of its index, so no service imports them; tests take them from here.
export * from "@taskjet/events/fixtures";
