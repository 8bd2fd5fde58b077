import CordialCore
import Foundation
import LuaHost

/// One plugin registered in one state with its data API open: what a worker classifies with.
/// Used on the thread that made it.
public final class PluginInstance {
    public let plugin: Plugin
    public let state: LuaState
    public let context: PluginContext
    private let driver: SegmentDriver
    /// Customers in the loaded batch.
    private var loadedCount = 0

    /// The loop that hands views to a segment function. Named `[sandbox]` so that errors are
    /// located in the plugin's code, never here. It runs before `plugin.lua` (see
    /// ``SegmentDriver/load(in:)``), so the built-ins it holds are the sandbox's own, whatever
    /// the plugin does to its globals.
    static let driver = """
        local locate_return = ...
        local error, type, format, remove, pcall, rawequal = error, type, string.format, table.remove, pcall, rawequal
        local views, count, current = {}, 0, 0
        local function set_views(batch) views, count, current = batch, #batch, 0 end
        -- A refused result is reported at the plugin's return statement that gave it: the
        -- function is called once more for the failing customer, with a return hook watching,
        -- and the place is named only when it gave the same result again (the same string,
        -- number or boolean; a table or function of the same type).
        local function same(a, b)
          local kind = type(a)
          if kind ~= type(b) then return false end
          if kind == "string" or kind == "number" or kind == "boolean" then return rawequal(a, b) end
          return true
        end
        local function refuse(message, refused, fn, ...)
          local ok, again, where = pcall(locate_return, fn, views[current], ...)
          if ok and where and same(again, refused) then message = where .. ": " .. message end
          error(message, 0)
        end
        -- Labels come back as numbers into `out.names` (0: none): the host reads a thousand
        -- small integers instead of a thousand strings.
        local function classify(fn, allowed, name)
          local out, numbers, names = {}, {}, {}
          out.names = names
          for i = 1, count do
            current = i
            local label = fn(views[i])
            if label == nil or label == false then
              out[i] = 0
            elseif type(label) ~= "string" then
              refuse(format("segment '%s' returned a %s; return a label (a string) or nil", name, type(label)), label, fn)
            elseif #label > 64 or #label == 0 then  -- refused before the host copies it
              refuse(format("segment '%s' returned a label of %d bytes; labels have 1 to 64 bytes", name, #label), label, fn)
            elseif allowed and not allowed[label] then
              refuse(format("segment '%s' returned '%s', which is not one of its labels", name, label), label, fn)
            else
              local number = numbers[label]
              if not number then
                number = #names + 1
                names[number], numbers[label] = label, number
              end
              out[i] = number
            end
          end
          current = 0
          return out
        end
        local function choose(fn, items, allowed, name)
          local out = {}
          for i = 1, count do
            current = i
            local code = fn(views[i], items)
            if code == nil or code == false then
              out[i] = false
            elseif type(code) ~= "string" then
              refuse(format("%s returned a %s; return an item's code (a string) or nil", name, type(code)), code, fn, items)
            elseif not allowed[code] then
              refuse(format("%s returned '%.64s', which is not an item of the catalog within max_cost", name, code), code, fn, items)
            else
              out[i] = code
              -- One fewer for the next customers; an item none are left of is no longer offered.
              for j = 1, #items do
                local item = items[j]
                if item.code == code then
                  item.stock = item.stock - 1
                  if item.stock <= 0 then remove(items, j) end
                  break
                end
              end
            end
          end
          current = 0
          return out
        end
        return set_views, classify, function() return current end, choose
        """

    init(plugin: Plugin, state: LuaState, context: PluginContext) throws {
        guard let driver = context.segmentDriver else { throw PluginAPIError("the segment driver did not load") }
        self.plugin = plugin
        self.state = state
        self.context = context
        self.driver = driver
    }

    deinit { state.close() }

    /// Hands a batch of customers to the state; ``classify(_:)`` then classifies them.
    func load(_ views: CustomerViewBatch) throws {
        loadedCount = views.count
        try driver.setViews.run(views)
    }

    /// The label of each customer of the loaded batch for segment `segment`; nil: no label.
    /// On error, the failing customer's index in the batch comes with it.
    func classify(_ segment: SegmentRegistration) throws(SegmentFailure) -> [String?] {
        guard let function = context.segmentFunctions[segment.name] else {
            throw SegmentFailure(index: 0, error: PluginError(location: segment.definedAt, message: "segment '\(segment.name)' has no function in this state"))
        }
        let allowed: LuaValue = segment.labels.map { labels in
            .table(LuaTable(hash: Dictionary(uniqueKeysWithValues: labels.map { (.string(LuaString($0)), .boolean(true)) })))
        } ?? .nil
        let phase = context.phase
        context.phase = .classifying
        defer { context.phase = phase }
        do {
            let result = try driver.classify.call(function, allowed, segment.name, as: LuaValue.self)
            let numbers = result.tableValue?.array ?? []
            // One label number (or 0) per customer, always: anything else is a broken state,
            // and it fails this segment instead of the run.
            guard numbers.count == loadedCount else {
                throw SegmentFailure(
                    index: 0, error: PluginError(location: segment.definedAt, message: "segment '\(segment.name)' gave \(numbers.count) labels for \(loadedCount) customers"))
            }
            var names: [String] = []
            for (index, label) in (result.tableValue?["names"].tableValue?.array ?? []).enumerated() {
                // Declared labels were checked at registration, and the driver allows only those.
                guard case .string(let bytes) = label, let text = bytes.text else {
                    let first = numbers.firstIndex { $0.integerValue == Int64(index + 1) } ?? 0
                    throw SegmentFailure(
                        index: first, error: PluginError(location: segment.definedAt, message: "segment '\(segment.name)' returned a label that is not valid UTF-8"))
                }
                guard segment.labels != nil || SegmentLabels.isValid(text) else {
                    let first = numbers.firstIndex { $0.integerValue == Int64(index + 1) } ?? 0
                    throw SegmentFailure(
                        index: first, error: PluginError(
                            location: segment.definedAt,
                            message: "segment '\(segment.name)' returned a label with a control character; labels are 1 to 64 bytes of text"))
                }
                names.append(text)
            }
            var out: [String?] = []
            out.reserveCapacity(numbers.count)
            for number in numbers {
                guard let number = number.integerValue, number >= 0, number <= names.count else {
                    throw SegmentFailure(index: out.count, error: PluginError(location: segment.definedAt, message: "segment '\(segment.name)' gave a broken label"))
                }
                out.append(number == 0 ? nil : names[Int(number) - 1])
            }
            return out
        } catch let error as LuaRunError {
            let index = (try? driver.failedIndex.call(as: Int.self)) ?? 0
            throw SegmentFailure(index: max(0, index - 1), error: PluginError(error, fallback: segment.definedAt))
        } catch let failure as SegmentFailure {
            throw failure
        } catch {
            throw SegmentFailure(index: 0, error: PluginError(location: segment.definedAt, message: "\(error)"))
        }
    }

    /// The item code a policy's gift `choose` function gives each customer of the loaded
    /// batch, from `items` (the catalog's items within the care item's max_cost); nil: no gift.
    func chooseGifts(_ key: GiftChooserKey, items: [GiftItem], definedAt: String) throws(SegmentFailure) -> [String?] {
        guard let function = context.giftChoosers[key] else {
            throw SegmentFailure(index: 0, error: PluginError(location: definedAt, message: "policy '\(key.policy)' has no choose function in this state"))
        }
        let list = LuaValue.table(LuaTable(array: items.map { item in
            .table(LuaTable(hash: [
                "code": .string(LuaString(item.code)), "name": .string(LuaString(item.name)),
                "cost": .number(NSDecimalNumber(decimal: item.cost.amount).doubleValue), "currency": .string(LuaString(item.cost.currency)),
                "stock": .integer(Int64(item.stock)),
            ]))
        }))
        let allowed = LuaValue.table(LuaTable(hash: Dictionary(uniqueKeysWithValues: items.map { (LuaValue.string(LuaString($0.code)), LuaValue.boolean(true)) })))
        let name = "policy '\(key.policy)' care[\(key.item + 1)] gift.choose"
        let phase = context.phase
        context.phase = .classifying
        defer { context.phase = phase }
        do {
            let result = try driver.choose.call(function, list, allowed, name, as: LuaValue.self)
            let codes = result.tableValue?.array ?? []
            guard codes.count == loadedCount else {
                throw SegmentFailure(index: 0, error: PluginError(location: definedAt, message: "\(name) gave \(codes.count) answers for \(loadedCount) customers"))
            }
            return codes.map { $0.stringValue }
        } catch let error as LuaRunError {
            let index = (try? driver.failedIndex.call(as: Int.self)) ?? 0
            throw SegmentFailure(index: max(0, index - 1), error: PluginError(error, fallback: definedAt))
        } catch let failure as SegmentFailure {
            throw failure
        } catch {
            throw SegmentFailure(index: 0, error: PluginError(location: definedAt, message: "\(error)"))
        }
    }

    /// The segments this instance registered.
    public var segments: [SegmentRegistration] { context.registrations.segments }
}

/// A segment function failed on the customer at `index` of the batch.
struct SegmentFailure: Error {
    var index: Int
    var error: PluginError
}

/// The driver's functions in one state: hand over a batch, classify it with a segment
/// function, the index of the customer being classified (for failures), and choose a gift for
/// each customer of the batch with a policy's `choose` function.
struct SegmentDriver {
    let setViews: LuaFunction
    let classify: LuaFunction
    let failedIndex: LuaFunction
    let choose: LuaFunction

    /// Runs the driver chunk in `state`: called before the plugin's own code runs.
    static func load(in state: LuaState) throws -> SegmentDriver {
        let functions = try state.load(PluginInstance.driver, chunkName: "=[sandbox]").callValues([.function(state.returnLocator())])
        guard functions.count == 4, let set = functions[0].functionValue, let classify = functions[1].functionValue,
              let failed = functions[2].functionValue, let choose = functions[3].functionValue
        else { throw PluginAPIError("the segment driver did not load") }
        return SegmentDriver(setViews: set, classify: classify, failedIndex: failed, choose: choose)
    }
}
