import CLua
import CLuaHost
import Foundation

/// The one thread that enforces every state's time budget.
///
/// A permanent count hook would slow every Lua instruction by more than 2× (5.4 checks the
/// hook on each instruction once a mask is set), so states run hook-free. Each outermost call
/// stores its deadline in the state's guard; every 5 ms this thread compares the deadlines
/// with the clock, and for a call past its deadline sets the limit hook, which raises at the
/// next instruction and keeps raising until the call has returned (so `pcall` cannot swallow it).
final class LuaWatchdog: @unchecked Sendable {
    static let shared = LuaWatchdog()

    /// How often deadlines are checked: the worst-case overrun of a time limit.
    static let period: useconds_t = 5_000

    private let lock = NSLock()
    private var guards: Set<UnsafeMutablePointer<cordial_guard>> = []
    private var started = false

    func watch(_ guardPointer: UnsafeMutablePointer<cordial_guard>) {
        lock.withLock {
            guards.insert(guardPointer)
            if !started {
                started = true
                let thread = Thread { [unowned self] in self.run() }
                thread.name = "cordial.lua-watchdog"
                thread.stackSize = 256 << 10
                thread.start()
            }
        }
    }

    /// After this returns the watchdog never touches the guard again, so it may be freed.
    func unwatch(_ guardPointer: UnsafeMutablePointer<cordial_guard>) {
        lock.withLock { _ = guards.remove(guardPointer) }
    }

    private func run() {
        while true {
            usleep(LuaWatchdog.period)
            let now = cordial_coarse_now()
            lock.withLock {
                for guardPointer in guards { _ = cordial_guard_check_deadline(guardPointer, now) }
            }
        }
    }
}
