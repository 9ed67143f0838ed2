# Writes report_assets.cc: the report page's assets as byte arrays, so every
# HTML report the binary writes is self-contained (report/html_report.cc).
# Run at build time by report/CMakeLists.txt with OUT, ASSETS (pairs
# "<symbol>=<file>" separated by "|").
string(REPLACE "|" ";" pairs "${ASSETS}")
set(body "// Generated at build time by report/embed_assets.cmake: do not edit.\n#include \"report/report_assets.h\"\n\nnamespace report {\n")
foreach(pair IN LISTS pairs)
  string(REGEX MATCH "^([A-Za-z0-9_]+)=(.*)$" _ "${pair}")
  set(sym "${CMAKE_MATCH_1}")
  set(file "${CMAKE_MATCH_2}")
  file(READ "${file}" hex HEX)
  string(LENGTH "${hex}" hex_len)
  math(EXPR size "${hex_len} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND body "\nnamespace {\nconstexpr unsigned char ${sym}_bytes[] = {${bytes}0x00};\n}  // namespace\n")
  string(APPEND body "const std::string_view ${sym}(reinterpret_cast<const char*>(${sym}_bytes), ${size});\n")
endforeach()
string(APPEND body "\n}  // namespace report\n")
file(WRITE "${OUT}.new" "${body}")
file(COPY_FILE "${OUT}.new" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.new")
