//go:build !linux

package faults

import "syscall"

// childAttr: without Pdeathsig, the cleanup of each test stops its services.
func childAttr() *syscall.SysProcAttr { return nil }
