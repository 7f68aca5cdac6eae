#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| upgrade_planner::fuzzing::yaml_fast(data));
