-- SPDX-License-Identifier: MIT
-- snode-ndr.lua: the no-drop rate of snode-dataplane, found by Pktgen-DPDK replaying a
-- `snode-tool gen-pcap` pcap (deploy/pktgen/README.md). A trial sends COUNT frames at a rate,
-- then compares what pktgen sent with what came back (every valid cell is relayed back out of
-- snode's port) and, if asked, with snode's own rx counter; the rate is bisected until the
-- highest passing rate is known to RESOLUTION.
--
-- Inside pktgen (built with -Denable_lua=true):
--   pktgen <EAL> -- -P -m "[3:4].0" -s 0:cells.pcap -f deploy/pktgen/snode-ndr.lua
-- Settings come from the environment (pktgen scripts take no arguments):
--   SNODE_NDR_FRAMES      frames in the pcap (gen-pcap's "frames"). Required: a trial never
--                         sends more, since a second pass replays every CREATE (snode: replay).
--   SNODE_NDR_GARBAGE     garbage frames in it (gen-pcap's "garbage", default 0): not sent back.
--   SNODE_NDR_HOPS        gen-pcap's --hops (default 3); with 1 nothing comes back, so only
--                         SNODE_NDR_TELEMETRY can judge a trial.
--   SNODE_NDR_PORT        pktgen port (default 0): it sends the pcap and receives the relayed cells.
--   SNODE_NDR_LINK_MBPS   the link speed pktgen shows for that port (default 10000): pktgen's
--                         rate is a percentage of it.
--   SNODE_NDR_FRAME_BYTES a cell frame without CRC (default 1274 = 14 + 20 + 8 + 1232).
--   SNODE_NDR_LO, _HI     frames/s known to pass, and the most to try (default 1000, 100000).
--   SNODE_NDR_SECONDS     trial length (default 10; shortened so a trial fits FRAMES).
--   SNODE_NDR_RESOLUTION  stop when hi - lo < RESOLUTION x hi (default 0.02).
--   SNODE_NDR_TOLERANCE   frames a trial may lose and still pass (default 0; with DATA cells
--                         use --data-per-create + 1: a trial may start in the middle of a request).
--   SNODE_NDR_RESTART     shell command run before every trial to restart snode-dataplane
--                         (fresh replay filter and circuit table), e.g. "deploy/pktgen/run.sh
--                         restart". Unset: the script waits SNODE_NDR_SETTLE seconds (default
--                         125) instead, for remembered keys (60-120 s) and circuits (60 s) to age out.
--   SNODE_NDR_TELEMETRY   shell command printing /snode/dp/stats as JSON ("deploy/pktgen/run.sh
--                         telemetry"): a trial then also needs snode's rx to equal pktgen's tx,
--                         and its log line shows create_relayed/data_relayed/drops.
--   SNODE_NDR_OUT         result file (default snode-ndr.txt).

local M = {}

local function num(getenv, name, default)
	local v = getenv(name)
	if v == nil or v == "" then
		return default
	end
	local n = tonumber(v)
	if n == nil then
		error(name .. " is not a number: " .. v)
	end
	return n
end

-- The settings, from getenv (os.getenv in pktgen; a table lookup in tests).
function M.config(getenv)
	local cfg = {
		frames = num(getenv, "SNODE_NDR_FRAMES", 0),
		garbage = num(getenv, "SNODE_NDR_GARBAGE", 0),
		hops = num(getenv, "SNODE_NDR_HOPS", 3),
		port = getenv("SNODE_NDR_PORT") or "0",
		link_mbps = num(getenv, "SNODE_NDR_LINK_MBPS", 10000),
		frame_bytes = num(getenv, "SNODE_NDR_FRAME_BYTES", 1274),
		lo = num(getenv, "SNODE_NDR_LO", 1000),
		hi = num(getenv, "SNODE_NDR_HI", 100000),
		seconds = num(getenv, "SNODE_NDR_SECONDS", 10),
		resolution = num(getenv, "SNODE_NDR_RESOLUTION", 0.02),
		tolerance = num(getenv, "SNODE_NDR_TOLERANCE", 0),
		settle = num(getenv, "SNODE_NDR_SETTLE", 125),
		restart = getenv("SNODE_NDR_RESTART"),
		telemetry = getenv("SNODE_NDR_TELEMETRY"),
		out = getenv("SNODE_NDR_OUT") or "snode-ndr.txt",
		drain_ms = 500, -- after the last frame, for the last relayed cells to come back
		max_trials = 20,
	}
	if cfg.frames < 1 then
		error("set SNODE_NDR_FRAMES to the pcap's frame count (gen-pcap's \"frames\")")
	end
	if cfg.lo <= 0 or cfg.hi <= cfg.lo then
		error("need 0 < SNODE_NDR_LO < SNODE_NDR_HI")
	end
	if cfg.hops < 2 and (cfg.telemetry == nil or cfg.telemetry == "") then
		error("with SNODE_NDR_HOPS=1 nothing comes back: set SNODE_NDR_TELEMETRY")
	end
	return cfg
end

-- pktgen's rate for pps frames/s: a percentage of the link, each frame taking its bytes plus
-- CRC (4), preamble and start delimiter (8) and the inter-frame gap (12) on the wire.
function M.rate_pct(cfg, pps)
	return pps * (cfg.frame_bytes + 24) * 8 * 100 / (cfg.link_mbps * 1e6)
end

-- Frames snode sends back for the first n frames of the pcap: gen-pcap spreads its garbage
-- evenly (frame i is garbage when floor((i+1)G/N) steps), so n - floor(nG/N) are cells.
function M.expected_back(cfg, n)
	if cfg.hops < 2 then
		return 0
	end
	return n - math.floor(n * cfg.garbage / cfg.frames)
end

-- tx/rx packet counters of a port, from either shape of pktgen.portStats: older releases
-- (up to 24.x) take (ports, "port") and return t[pid].opackets; newer ones t[pid].curr.opackets.
function M.port_counts(pg, port)
	local pid = tonumber(port)
	local ok, t = pcall(pg.portStats, port, "port")
	if not ok or t == nil or t[pid] == nil then
		t = pg.portStats(port)
	end
	local s = t[pid].curr or t[pid]
	return {tx = s.opackets, rx = s.ipackets}
end

-- snode's /snode/dp/stats through the telemetry command, or nil.
function M.telemetry(cfg)
	if cfg.telemetry == nil or cfg.telemetry == "" then
		return nil
	end
	local f = io.popen(cfg.telemetry)
	local text = f and f:read("a") or ""
	if f then
		f:close()
	end
	local t = {}
	for _, k in ipairs({"rx", "tx", "create_relayed", "data_relayed", "drops"}) do
		t[k] = tonumber(text:match('"' .. k .. '":%s*(%d+)'))
		if t[k] == nil then
			error("no \"" .. k .. "\" in the telemetry output: " .. text)
		end
	end
	return t
end

local function fresh_snode(pg, cfg)
	if cfg.restart ~= nil and cfg.restart ~= "" then
		if not os.execute(cfg.restart) then
			error("SNODE_NDR_RESTART failed: " .. cfg.restart)
		end
	else
		pg.delay(cfg.settle * 1000)
	end
end

local function delta(a, b)
	local d = {}
	for k, v in pairs(b) do
		d[k] = v - a[k]
	end
	return d
end

-- One trial at pps: true when nothing the pcap should bring back was lost.
function M.trial(pg, cfg, pps, log)
	local count = math.floor(pps * cfg.seconds)
	if count > cfg.frames then
		count = cfg.frames
	end
	fresh_snode(pg, cfg)
	pg.set(cfg.port, "rate", M.rate_pct(cfg, pps))
	pg.set(cfg.port, "count", count)
	local before, tel0 = M.port_counts(pg, cfg.port), M.telemetry(cfg)
	pg.start(cfg.port)
	pg.delay(math.ceil(count * 1000 / pps) + cfg.drain_ms)
	pg.stop(cfg.port)
	pg.delay(cfg.drain_ms)
	local r = delta(before, M.port_counts(pg, cfg.port))
	r.pps, r.count = pps, count
	r.lost = M.expected_back(cfg, r.tx) - r.rx
	r.ok = r.tx >= count and r.lost <= cfg.tolerance
	local line = string.format("pps %.0f: sent %d of %d, back %d, lost %d", pps, r.tx, count,
		r.rx, r.lost)
	if tel0 ~= nil then
		local d = delta(tel0, M.telemetry(cfg))
		r.ok = r.ok and d.rx == r.tx
		line = line .. string.format("; snode rx %d relayed %d data %d drops %d", d.rx,
			d.create_relayed, d.data_relayed, d.drops)
	end
	if r.tx < count then
		line = line .. " (pktgen fell short: the generator, not snode, limits this rate)"
	end
	log(line .. (r.ok and " -> pass" or " -> FAIL"))
	return r.ok
end

-- Bisection between lo (must pass) and hi: the highest passing rate, "above" when hi passes,
-- or nil when lo fails.
function M.search(pg, cfg, log)
	local lo, hi, trials = cfg.lo, cfg.hi, 2
	if not M.trial(pg, cfg, lo, log) then
		return nil
	end
	if M.trial(pg, cfg, hi, log) then
		return hi, "above"
	end
	while hi - lo >= cfg.resolution * hi and trials < cfg.max_trials do
		local mid = (lo + hi) / 2
		if M.trial(pg, cfg, mid, log) then
			lo = mid
		else
			hi = mid
		end
		trials = trials + 1
	end
	return lo
end

function M.main(pg)
	local cfg = M.config(os.getenv)
	local out = assert(io.open(cfg.out, "w"))
	local function log(s)
		print(s)
		out:write(s, "\n")
		out:flush()
	end
	pg.pcap(cfg.port, "on")
	local ndr, note = M.search(pg, cfg, log)
	if ndr == nil then
		log(string.format("no-drop rate: below SNODE_NDR_LO (%d frames/s)", cfg.lo))
	elseif note == "above" then
		log(string.format("no-drop rate: at least SNODE_NDR_HI (%d frames/s)", cfg.hi))
	else
		log(string.format("no-drop rate: %.0f frames/s (resolution %.0f%%)", ndr,
			cfg.resolution * 100))
	end
	out:close()
end

-- Inside pktgen the global `pktgen` exists: run. Elsewhere (tests) return the functions.
if pktgen ~= nil then
	M.main(pktgen)
end
return M
