-- SPDX-License-Identifier: MIT
-- test-ndr.lua: snode-ndr.lua's search run against a simulated pktgen and snode, since pktgen
-- itself cannot run where the tests do. Run from this directory: `lua5.3 test-ndr.lua`
-- (tests/cli/test_gen_pcap.sh does). Prints "ok ..." or stops with an error.
local M = dofile("snode-ndr.lua")

-- A pktgen whose port sends what it is told and gets back every relayed cell while snode keeps
-- up; past capacity_pps snode loses the excess. shape "old" or "new" picks the portStats table.
local function fake(cfg, capacity_pps, shape)
	local st = {tx = 0, rx = 0, rate = 0, count = 0, ms = 0, started = 0, starts = 0}
	local pg = {}
	function pg.set(_, what, v)
		if what == "rate" then
			st.rate = tonumber(v)
		elseif what == "count" then
			st.count = v
		end
	end
	function pg.pcap() end
	function pg.delay(ms)
		st.ms = st.ms + ms
	end
	function pg.start()
		local pps = st.rate / 100 * cfg.link_mbps * 1e6 / ((cfg.frame_bytes + 24) * 8)
		local back = M.expected_back(cfg, st.count)
		if pps > capacity_pps then
			back = math.floor(back * capacity_pps / pps)
		end
		st.tx, st.rx, st.starts = st.tx + st.count, st.rx + back, st.starts + 1
		assert(st.count <= cfg.frames, "a trial sent more than the pcap holds")
	end
	function pg.stop() end
	function pg.portStats(port, kind)
		local s = {opackets = st.tx, ipackets = st.rx}
		if shape == "new" then
			assert(kind == nil or kind == "port")
			return {[tonumber(port)] = {curr = s}, n = 1}
		end
		assert(kind == "port", "old pktgen needs the stats type")
		return {[tonumber(port)] = s, n = 1}
	end
	return pg, st
end

local function config(over)
	local env = {SNODE_NDR_FRAMES = "1000000", SNODE_NDR_GARBAGE = "150000"}
	for k, v in pairs(over or {}) do
		env[k] = v
	end
	return M.config(function(k)
		return env[k]
	end)
end

local quiet = function() end
local cfg = config()
for _, shape in ipairs({"old", "new"}) do
	for _, cap in ipairs({13135, 38769, 99000}) do
		local pg, st = fake(cfg, cap, shape)
		local ndr = M.search(pg, cfg, quiet)
		assert(ndr ~= nil and ndr <= cap and ndr >= cap * (1 - cfg.resolution),
			string.format("%s pktgen, capacity %d: found %s", shape, cap, tostring(ndr)))
		assert(st.starts <= cfg.max_trials)
		assert(st.ms >= st.starts * cfg.settle * 1000, "no settle wait between trials")
	end
end
local pg = fake(cfg, 500, "old")
assert(M.search(pg, cfg, quiet) == nil, "a snode slower than SNODE_NDR_LO must say so")
pg = fake(cfg, 1e9, "new")
local ndr, note = M.search(pg, cfg, quiet)
assert(ndr == cfg.hi and note == "above", "a snode faster than SNODE_NDR_HI must say so")
assert(M.expected_back(cfg, 1000000) == 850000 and M.expected_back(cfg, 7) == 6)
assert(M.expected_back(config({SNODE_NDR_HOPS = "1", SNODE_NDR_TELEMETRY = "true"}), 10) == 0)
assert(math.abs(M.rate_pct(cfg, 38769) - 38769 * 1298 * 8 / 1e8) < 1e-9) -- 4.03% of 10G
assert(not pcall(config, {SNODE_NDR_FRAMES = ""}), "FRAMES is required")
assert(not pcall(config, {SNODE_NDR_HOPS = "1"}), "hops 1 without telemetry must be refused")
assert(not pcall(config, {SNODE_NDR_LO = "5", SNODE_NDR_HI = "5"}), "LO < HI")
print("ok: the search lands within 2% under 13135, 38769 and 99000 frames/s (both portStats shapes)")
