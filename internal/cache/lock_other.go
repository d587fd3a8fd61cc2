//go:build !unix

package cache

// Lock is a no-op where flock is unavailable; atomic renames still keep
// entries consistent.
func (c *Cache) Lock(name string) (func(), error) { return func() {}, nil }
