package bus

// Test hooks, exported to the bus_test package only.

// RelayLockKey is the advisory lock key a relay takes per batch.
const RelayLockKey = relayLockKey

// SetRelayCrashHook makes r call f after each PubAck; f returning true
// stops r as if its process died there, leaving the batch's rows behind.
func SetRelayCrashHook(r *Relay, f func() bool) { r.crashAfterPublish = f }

// SetConsumerCrashHook makes c call f before settling each message (err is
// the outcome of handling it); f returning true makes c walk away without
// acking, naking or dead-lettering, as if its process died there.
func SetConsumerCrashHook(c *Consumer, f func(e Event, err error) bool) { c.crashBeforeSettle = f }
