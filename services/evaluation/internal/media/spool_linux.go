package media

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// spool copies an MP4 recording into an anonymous memory file (memfd) and
// hands it to ffmpeg as stdin. A memfd is seekable like a regular file, has
// no name on any filesystem (so nothing to clean up and nothing for another
// process to find) and works on a read-only root filesystem. ffmpeg opens it
// through /proc/self/fd/0 with the file protocol, which, unlike pipe:0,
// seeks.
func spool(r io.Reader, limit int64) (spooled, error) {
	fd, err := unix.MemfdCreate("recording", unix.MFD_CLOEXEC)
	if err != nil {
		return spooled{}, fmt.Errorf("spool recording: memfd_create: %w", err)
	}
	f := os.NewFile(uintptr(fd), "memfd:recording")
	if err := fill(f, r, limit); err != nil {
		_ = f.Close()
		return spooled{}, err
	}
	return spooled{stdin: f, input: "file:/proc/self/fd/0", cleanup: func() { _ = f.Close() }}, nil
}
