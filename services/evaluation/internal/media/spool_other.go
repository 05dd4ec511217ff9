//go:build !linux

package media

import (
	"io"
)

// spool copies an MP4 recording to a private temporary file, since only
// Linux has anonymous memory files; see spoolTemp.
func spool(r io.Reader, limit int64) (spooled, error) {
	return spoolTemp(r, limit)
}
