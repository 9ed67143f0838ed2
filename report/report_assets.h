// The report page's assets, embedded in the binary at build time
// (report/embed_assets.cmake writes their definitions): uPlot's minified
// script and style from tools/report/node_modules (the version
// tools/report/package-lock.json pins) and the page's own files in
// report/assets/.
#ifndef PEER_REPLAY_REPORT_REPORT_ASSETS_H_
#define PEER_REPLAY_REPORT_REPORT_ASSETS_H_

#include <string_view>

namespace report {

extern const std::string_view kReportHtml;  // assets/report.html, with @@...@@ markers
extern const std::string_view kReportJs;    // assets/report.js
extern const std::string_view kReportCss;   // assets/report.css
extern const std::string_view kUplotJs;     // uplot/dist/uPlot.iife.min.js
extern const std::string_view kUplotCss;    // uplot/dist/uPlot.min.css

}  // namespace report

#endif  // PEER_REPLAY_REPORT_REPORT_ASSETS_H_
