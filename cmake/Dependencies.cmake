# Every dependency comes from a Debian 12 package through find_package. A
# missing one stops configure with the package to install, not a CMake trace.
macro(peer_replay_require found debian_pkg what)
  if(NOT ${found})
    message(FATAL_ERROR
      "peer-replay needs ${what}. Install it with:\n"
      "  apt-get install -y ${debian_pkg}\n"
      "(or run scripts/bootstrap.sh, which installs every dependency)")
  endif()
endmacro()

find_package(nlohmann_json 3.11 CONFIG QUIET)
peer_replay_require(nlohmann_json_FOUND nlohmann-json3-dev "nlohmann/json >= 3.11")

find_package(CLI11 2.1 CONFIG QUIET)
peer_replay_require(CLI11_FOUND libcli11-dev "CLI11 >= 2.1")

find_package(Catch2 2.13 CONFIG QUIET)
peer_replay_require(Catch2_FOUND catch2 "Catch2 v2")
include(Catch)
# Every Catch2 binary's test cases as ctest entries. --warn NoTests: an entry
# whose filter matches no test case fails instead of passing having run
# nothing (a name CMake's list handling splits or merges, for one).
function(peer_replay_catch_tests target prefix)
  catch_discover_tests(${target} TEST_PREFIX "${prefix}" EXTRA_ARGS --warn NoTests)
endfunction()

# The reader's JSON fast path (trace/json_tape.cc); nlohmann stays the reference.
find_package(simdjson 3.0 CONFIG QUIET)
peer_replay_require(simdjson_FOUND libsimdjson-dev "simdjson >= 3.0")

# Debian's libzstd-dev 1.5.4 ships zstdConfig.cmake without a zstd::libzstd
# alias; fall back to pkg-config where the config is absent.
find_package(zstd CONFIG QUIET)
if(TARGET zstd::libzstd_shared)
  set(PEER_REPLAY_ZSTD zstd::libzstd_shared)
else()
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(ZSTD QUIET IMPORTED_TARGET libzstd)
  endif()
  peer_replay_require(ZSTD_FOUND libzstd-dev "libzstd")
  set(PEER_REPLAY_ZSTD PkgConfig::ZSTD)
endif()

# SHA-256 for PeerDAS custody groups (getCustodyGroups hashes the node id).
find_package(OpenSSL 3 QUIET COMPONENTS Crypto)
peer_replay_require(OpenSSL_FOUND libssl-dev "OpenSSL libcrypto (SHA-256)")
