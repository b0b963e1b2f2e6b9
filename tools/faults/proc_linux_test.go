package faults

import "syscall"

// childAttr makes the kernel kill a service when the test binary dies, so that an
// interrupted run leaves no process behind.
func childAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }
