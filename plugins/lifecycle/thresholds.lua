-- Days that separate the lifecycle stages; change them here.
return {
  new_days = 30,      -- first purchase at most this long ago: new
  active_days = 90,   -- last purchase at most this long ago: active
  lapsing_days = 365, -- at most this long ago: lapsing; longer: lost
}
