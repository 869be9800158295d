//go:build !unix

package embedded

import "os"

// tryLock does nothing where advisory locks are not available (the server and the commands are
// built and tested on Unix); there, keep one process on a data folder by hand.
func tryLock(*os.File) error { return nil }
