-- The same calls through Debian's lua5.4 and through `cordial run`, whose pattern, rep and
-- table functions are bounded copies of the stock ones (CLuaHost/bounded.c): every line of
-- output (results, resulting tables, metamethod calls and error messages) must be the same.
-- Deterministic: its own generator, no addresses, no clocks. Usage: lua5.4 library_calls.lua [SEED] [CASES]
local seed = tonumber((... )) or 20261205
local cases = tonumber((select(2, ...))) or 3000

local state = seed
local function random(n)  -- 0 .. n - 1
  state = state * 6364136223846793005 + 1442695040888963407
  return (state >> 33) % n
end
local function pick(list) return list[random(#list) + 1] end

local function show(value, seen)
  local kind = type(value)
  if kind == "string" then  -- quoted, bytes past ASCII as \ddd: both hosts print ASCII only
    local quoted, out = string.format("%q", value), {}
    for i = 1, #quoted do
      local byte = quoted:byte(i)
      out[i] = byte < 128 and string.char(byte) or ("\\" .. byte)
    end
    return table.concat(out)
  elseif kind == "number" then
    if math.type(value) == "integer" then return tostring(value) end
    return string.format("%.17g", value)
  elseif kind == "table" then
    seen = seen or {}
    if seen[value] then return "<cycle>" end
    seen[value] = true
    local keys = {}
    for key in pairs(value) do keys[#keys + 1] = key end
    table.sort(keys, function(a, b)
      if type(a) == "number" and type(b) == "number" then return a < b end
      return show(a) < show(b)
    end)
    local parts = {}
    for _, key in ipairs(keys) do parts[#parts + 1] = show(key) .. "=" .. show(value[key], seen) end
    return "{" .. table.concat(parts, ",") .. "}"
  elseif kind == "function" then return "<function>"
  else return tostring(value) end
end

-- Errors raised at a line of this script carry its path, which differs between the two hosts.
local function message(value)
  if type(value) ~= "string" then return "<" .. type(value) .. ">" end
  return (string.gsub(value, "^[^\n]-library_calls%.lua:%d+: ", ""))
end

local function report(number, what, ok, ...)
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = show((select(i, ...))) end
  if ok then
    print(number .. " " .. what .. " ok " .. table.concat(parts, " "))
  else
    print(number .. " " .. what .. " error " .. message((...)))
  end
end

------------------------------------------------------------------------- patterns
local atoms = {
  "a", "b", "c", ".", "%a", "%d", "%s", "%w", "%p", "%x", "%u", "%l", "%c", "%A", "%S", "%g",
  "[abc]", "[^a]", "[a-c]", "[%a_]", "[]a]", "[^]b]", "[%d-]", "[a-]", "%.", "%%", "%(", "x", "1",
  " ", "\0", "\195\169", "%b()", "%bab", "%f[%a]", "%f[^%w]", "()", "(", ")", "%1", "%2", "%0",
  "$", "^", "-", "*", "+", "?", "[", "%", "%z", "%f", "%b", "[^", "%]",
}
local quantifiers = { "", "", "", "*", "+", "-", "?" }
local letters = { "a", "b", "c", "(", ")", "1", "2", " ", "_", ".", "A", "\0", "x", "\195\169", "%", "-" }

local function pattern()
  local parts = {}
  if random(5) == 0 then parts[#parts + 1] = "^" end
  local open = 0
  for _ = 1, random(7) do
    local roll = random(12)
    if roll == 0 then parts[#parts + 1] = "("; open = open + 1
    elseif roll == 1 and open > 0 then parts[#parts + 1] = ")"; open = open - 1
    else parts[#parts + 1] = pick(atoms) .. pick(quantifiers) end
  end
  if random(3) > 0 then for _ = 1, open do parts[#parts + 1] = ")" end end
  if random(8) == 0 then parts[#parts + 1] = "$" end
  return table.concat(parts)
end

local function subject()
  local parts = {}
  for i = 1, random(15) do parts[i] = pick(letters) end
  return table.concat(parts)
end

local function init()
  if random(3) == 0 then return nil end
  return random(41) - 20
end

local replacements = {
  "<%0>", "%1", "%2", "[%%]", "%x", "%", "", "Z", 7, 2.5,
  { a = "A", b = false, ["1"] = 10, [""] = "empty" },
  function(...) return "(" .. select("#", ...) .. ")" end,
  function(first) return first and string.upper(tostring(first)) end,
  function() return false end,
  function() return nil end,
  function() return {} end,
  function(first) return first == "a" and 3 or nil end,
}

------------------------------------------------------------------------- tables
-- A table whose every read and write is logged, to compare the order of accesses.
local function logged(array)
  local log, store = {}, {}
  for i, v in ipairs(array) do store[i] = v end
  local proxy = setmetatable({}, {
    __index = function(_, key) log[#log + 1] = "get " .. show(key); return store[key] end,
    __newindex = function(_, key, value) log[#log + 1] = "set " .. show(key) .. "=" .. show(value); store[key] = value end,
    __len = function() log[#log + 1] = "len"; return #store end,
  })
  return proxy, store, log
end

local values = { 1, 2, 3, "a", "b", 10, -1, 2.5, "10", true, {} }
local function array(kind)
  local result = {}
  for i = 1, random(9) do
    if kind == "numbers" then result[i] = random(20) - 5
    elseif kind == "strings" then result[i] = pick({ "a", "b", "c", "ab", "", "B" })
    else result[i] = pick(values) end
  end
  return result
end

local function position(n)
  local roll = random(16)
  if roll == 0 then return math.maxinteger elseif roll == 1 then return math.mininteger end
  return random(n + 5) - 2
end

local comparators = {
  false,
  function(a, b) return a > b end,
  function(a, b) return a < b end,
  function() return true end,
  function(a, b) return #tostring(a) < #tostring(b) end,
}

------------------------------------------------------------------------- the cases
local kinds = { "find", "match", "gmatch", "gsub", "rep", "insert", "remove", "move", "concat", "sort", "load" }

-- Texts for load: errors at their line and token, and texts longer than the pieces the
-- bounded load reads (64 KiB), with a token or an error across a piece's end. (Binary
-- chunks and global variables are left out: the sandbox refuses them on purpose.)
local texts = {
  "return 1", "return ...", "x = ", "return 1 +", "local a <const> = 1; a = 2", "return 'unfinished",
  "return [[long", "goto nowhere", "break", "return 0x", "return 1e", "return --[[ c ]] 5",
  "local t = {} for i = 1, 3 do t[i] = i * 2 end return t", "return function() end", "return 1 2",
  "return '" .. string.rep("x", 70000) .. "'", string.rep(" ", 65530) .. "return = 1",
  string.rep("\n", 65534) .. "return 'across'", string.rep("-- comment\n", 7000) .. "return #...",
  "local x return x", "local x = 1 return x", "",
}
local chunknames = { nil, "=name", "@file.lua", "plain", "" }

for number = 1, cases do
  local kind = kinds[(number - 1) % #kinds + 1]
  if kind == "find" then
    local s, p, i = subject(), pattern(), init()
    local plain = pick({ nil, true, false })
    report(number, "find " .. show(s) .. " " .. show(p) .. " " .. show(i) .. " " .. show(plain),
      pcall(function() return string.find(s, p, i, plain) end))
  elseif kind == "match" then
    local s, p, i = subject(), pattern(), init()
    report(number, "match " .. show(s) .. " " .. show(p) .. " " .. show(i),
      pcall(function() return s:match(p, i) end))
  elseif kind == "gmatch" then
    local s, p, i = subject(), pattern(), init()
    report(number, "gmatch " .. show(s) .. " " .. show(p) .. " " .. show(i), pcall(function()
      local found = {}
      for a, b, c in string.gmatch(s, p, i) do
        found[#found + 1] = { a, b, c }
        if #found > 40 then break end
      end
      return found
    end))
  elseif kind == "gsub" then
    local s, p = subject(), pattern()
    local r = pick(replacements)
    local n = pick({ nil, nil, 0, 1, 2, -1, 2.0 })
    report(number, "gsub " .. show(s) .. " " .. show(p) .. " " .. show(r) .. " " .. show(n),
      pcall(function() return string.gsub(s, p, r, n) end))
  elseif kind == "rep" then
    local s = pick({ "", "ab", "x", "\0", "\195\169" })
    local n = pick({ -1, 0, 1, 2, 3, 5, math.maxinteger, math.mininteger, 1 << 40, 2.0, 2.5, "3", "x" })
    local sep = pick({ nil, "", ",", "--" })
    -- n copies of nothing run for ever in lua5.4 (the hostile corpus has that case)
    if type(n) == "number" and n > 100 and #s + #(sep or "") == 0 then s = "x" end
    report(number, "rep " .. show(s) .. " " .. show(n) .. " " .. show(sep),
      pcall(function() return string.rep(s, n, sep) end))
  elseif kind == "insert" then
    local proxy, store, log = logged(array())
    local args = pick({ 0, 1, 1, 1, 2, 3 })
    local pos, v = position(#store), pick(values)
    report(number, "insert " .. show(store) .. " " .. args .. " " .. show(pos), pcall(function()
      if args == 0 then table.insert(proxy, v)
      elseif args == 1 then table.insert(proxy, pos, v)
      elseif args == 2 then table.insert(proxy)
      else table.insert(proxy, pos, v, v) end
      return store, log
    end))
  elseif kind == "remove" then
    local plain = random(2) == 0
    local proxy, store, log = logged(array())
    local target = plain and store or proxy
    local pos = random(3) == 0 and nil or position(#store)
    report(number, "remove " .. show(store) .. " " .. show(pos) .. " " .. show(plain), pcall(function()
      local removed = pos == nil and table.remove(target) or table.remove(target, pos)
      return removed, store, log
    end))
  elseif kind == "move" then
    local source, sstore, log = logged(array())
    local destination = random(2) == 0 and nil or array()
    local f, e, t = position(6), position(8), position(8)
    -- a huge range that passes the checks would only run for ever (in lua5.4 too)
    if e > f and (f > 0 or e < math.maxinteger + f) and e - f > 20 then e = f + 3 end
    report(number, "move " .. show(sstore) .. " " .. show(f) .. " " .. show(e) .. " " .. show(t) .. " " .. show(destination),
      pcall(function()
        local result = table.move(source, f, e, t, destination)
        return result == source and "source" or result, sstore, log
      end))
  elseif kind == "concat" then
    local plain = random(2) == 0
    local proxy, store, log = logged(array(pick({ "strings", "strings", "mixed" })))
    local sep = pick({ nil, "", ",", 1 })
    local i = random(2) == 0 and nil or position(#store)
    local j = random(2) == 0 and nil or position(#store)
    -- a huge range would only fill memory: at most a few elements past the start
    if (i or 1) < 0 and (j or #store) > 0 or (j or #store) - (i or 1) > 50 then i, j = (i or 1), (i or 1) + 3 end
    report(number, "concat " .. show(store) .. " " .. show(sep) .. " " .. show(i) .. " " .. show(j) .. " " .. show(plain),
      pcall(function() return table.concat(plain and store or proxy, sep, i, j), log end))
  elseif kind == "load" then
    local text, chunkname = pick(texts), pick(chunknames)
    local how = random(4)
    report(number, "load " .. show(#text < 80 and text or #text) .. " " .. show(chunkname) .. " " .. how, pcall(function()
      local f, problem
      if how == 0 then f, problem = load(text, chunkname)
      elseif how == 1 then f, problem = load(text, chunkname, "t", { x = 5 })
      elseif how == 2 then  -- a reader function, in pieces of 1,000 bytes
        local at = 1
        f, problem = load(function()
          local piece = text:sub(at, at + 999)
          at = at + 1000
          if piece ~= "" then return piece end
        end, chunkname, "bt")
      else f, problem = load(function() return pick({ 42, {}, false }) end, chunkname) end
      if not f then return nil, message(problem) end
      local ok, result = pcall(f, "one", "two")
      if type(result) == "string" and #result > 80 then result = #result .. " bytes" end
      return ok, ok and result or message(result)
    end))
  else
    local plain = random(2) == 0
    local proxy, store, log = logged(array(pick({ "numbers", "strings", "mixed" })))
    local comparator = pick(comparators)
    report(number, "sort " .. show(store) .. " " .. show(comparator) .. " " .. show(plain), pcall(function()
      table.sort(plain and store or proxy, comparator or nil)
      return store, log
    end))
  end
end

-- Errors of the argument checks themselves, with the function's name as each host gives it.
local calls = {
  function() return string.find(nil, "a") end,
  function() return string.find("a", {}) end,
  function() return ("a"):find("a", "x") end,
  function() return string.match("a") end,
  function() return string.gmatch("a", nil) end,
  function() return string.gsub("a", "a", true) end,
  function() return string.gsub("a", "a", "b", "many") end,
  function() return string.rep("x", 1.5) end,
  function() return string.rep({}, 1) end,
  function() return string.rep("x", 1 << 62) end,
  function() return ("x"):rep(3, {}) end,
  function() return table.insert(nil, 1) end,
  function() return table.insert({}, 5, 1) end,
  function() return table.insert({}, 1.5, 1) end,
  function() return table.remove({}, 3) end,
  function() return table.remove("x") end,
  function() return table.move({}, math.mininteger, math.maxinteger, 1) end,
  function() return table.move({}, 1, 3, math.maxinteger) end,
  function() return table.move({}, 1, 2, 1, "x") end,
  function() return table.move(setmetatable({}, { __index = rawget }), 1, 2, 3) end,
  function() return table.concat({}, {}) end,
  function() return table.concat({ 1, {} }) end,
  function() return table.concat(setmetatable({}, { __len = function() return 2.5 end })) end,
  function() return table.sort({ 3, 1 }, 7) end,
  function() return table.sort(setmetatable({}, { __len = function() return math.maxinteger end, __index = rawget, __newindex = rawset })) end,
  function() return table.sort({ 1, "x", 2 }) end,
  function() local t = { 3, 2, 1 }; table.sort(t, function(a, b) error({}) end) end,
  function() return load("return x", "env", "t", { x = 5 })() end,
  function() return load("return x, y", "env", "t", setmetatable({}, { __index = function(_, k) return k end }))() end,
  -- called from C (pcall): the name comes from the loaded libraries
  function() return pcall(string.rep) end,
  function() return pcall(string.gsub, "a", "(") end,
  function() return pcall(table.insert, 1, 2) end,
  function() return pcall(table.concat, {}, "", 1, 2) end,
}
for index, call in ipairs(calls) do report(cases + index, "argument", pcall(call)) end
print("done " .. (cases + #calls))
