package sandbox

import "fmt"

// Fault shapes the answers to the next Times requests that match it.
type Fault struct {
	// Method and Route select the requests, e.g. "POST" and
	// "/organizations/{org}/v2/inventory/bulk"; empty matches any.
	Method string
	Route  string
	// Times is how many matching requests the fault affects (at least 1).
	Times int
	// Status is answered instead of running the endpoint.
	Status int
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string
	// CutAfterCommit runs the endpoint, so its change is committed, then
	// drops the connection without an answer. Status is ignored.
	CutAfterCommit bool
}

func (f *Fault) String() string {
	if f.CutAfterCommit {
		return "connection cut after commit"
	}
	return fmt.Sprintf("HTTP %d", f.Status)
}

func (f *Fault) matches(method, route string) bool {
	return (f.Method == "" || f.Method == method) &&
		(f.Route == "" || method+" "+f.Route == route)
}

// InjectFault adds a fault. Faults apply in the order they were added.
func (s *Server) InjectFault(f Fault) {
	if f.Times < 1 {
		f.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every pending fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault consumes one use of the first fault matching the request.
// The caller holds s.mu.
func (s *Server) takeFault(method, route string) *Fault {
	for i, f := range s.faults {
		if f.matches(method, route) {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return f
		}
	}
	return nil
}
