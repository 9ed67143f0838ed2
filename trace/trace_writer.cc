#include "trace/trace_writer.h"

#include <zstd.h>

#include <cassert>
#include <vector>

#include "trace/atomic_file.h"

namespace replay {

using peers::Status;

class TraceWriter::Impl {
 public:
  Impl(std::unique_ptr<AtomicFile> file, bool zstd, int level) : file_(std::move(file)) {
    if (zstd) {
      cctx_ = ZSTD_createCCtx();
      assert(cctx_ != nullptr);
      ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level);
      out_.resize(ZSTD_CStreamOutSize());
    }
  }
  ~Impl() {
    if (cctx_ != nullptr) ZSTD_freeCCtx(cctx_);
  }

  Status write(std::string_view bytes, ZSTD_EndDirective mode) {
    if (cctx_ == nullptr) return file_->append(bytes);
    ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
    for (;;) {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      const size_t remaining = ZSTD_compressStream2(cctx_, &out, &in, mode);
      if (ZSTD_isError(remaining)) return Status::io_error(std::string("zstd: ") + ZSTD_getErrorName(remaining));
      Status s = file_->append(std::string_view(out_.data(), out.pos));
      if (!s.is_ok()) return s;
      const bool finished = mode == ZSTD_e_end ? remaining == 0 : in.pos == in.size;
      if (finished) return Status::ok();
    }
  }

  Status commit() {
    if (cctx_ != nullptr) {
      Status s = write({}, ZSTD_e_end);
      if (!s.is_ok()) return s;
    }
    return file_->commit();
  }

 private:
  std::unique_ptr<AtomicFile> file_;
  ZSTD_CCtx* cctx_ = nullptr;
  std::vector<char> out_;
};

TraceWriter::TraceWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TraceWriter::~TraceWriter() = default;

peers::Result<std::unique_ptr<TraceWriter>> TraceWriter::create(const std::string& path, int zstd_level) {
  auto file = AtomicFile::create(path);
  if (!file.is_ok()) return file.status();
  const bool zstd = path.size() >= 4 && path.compare(path.size() - 4, 4, ".zst") == 0;
  return std::unique_ptr<TraceWriter>(
      new TraceWriter(std::make_unique<Impl>(std::move(file).value(), zstd, zstd_level)));
}

Status TraceWriter::write_line(std::string_view line) {
  assert(line.find('\n') == std::string_view::npos);
  Status s = impl_->write(line, ZSTD_e_continue);
  if (s.is_ok()) s = impl_->write("\n", ZSTD_e_continue);
  lines_++;
  text_bytes_ += line.size() + 1;
  return s;
}

Status TraceWriter::commit() { return impl_->commit(); }

}  // namespace replay
