-- wrk script: GET the paths listed in a file (one per line), in rotation.
-- Usage: wrk -t1 -c64 -d10s -s bench/rotate.lua http://127.0.0.1:PORT -- PATHS_FILE
-- Requests are formatted once, in init, so that the load generator stays cheap.

local requests = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      requests[#requests + 1] = wrk.format("GET", line)
    end
  end
  if #requests == 0 then
    error("no paths in " .. tostring(args[1]))
  end
end

function request()
  counter = counter % #requests + 1
  return requests[counter]
end
