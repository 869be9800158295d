package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// The server's metrics the load tool reads (see telemetry/metrics.go), each summed over its labels.
const (
	dbCommandsMetric = "roots_db_commands_total"
	dbTimeMetric     = "roots_db_command_duration_seconds_sum" // the driver's round trips, summed
	mallocsMetric    = "go_memstats_mallocs_total"
	cpuMetric        = "process_cpu_seconds_total"
	rssMetric        = "process_resident_memory_bytes"
	inFlightMetric   = "roots_http_requests_in_flight"
)

// sample is a scrape of /metrics: each metric's value summed over its labels.
type sample map[string]float64

// parseMetrics reads the Prometheus text format and sums each metric's samples over their
// labels. Comments, blank lines and lines it cannot read are skipped.
func parseMetrics(r io.Reader) (sample, error) {
	out := sample{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		name, rest := line, ""
		if i := strings.IndexAny(line, "{ "); i >= 0 {
			name, rest = line[:i], line[i:]
		}
		if strings.HasPrefix(rest, "{") {
			end := labelsEnd(rest)
			if end < 0 {
				continue
			}
			rest = rest[end+1:]
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			continue
		}
		out[name] += v
	}
	return out, sc.Err()
}

// labelsEnd returns the index of the '}' that closes the label set at the start of s, skipping
// quoted values (which may hold '}' and escaped quotes), or -1.
func labelsEnd(s string) int {
	quoted := false
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case !quoted && c == '}':
			return i
		}
	}
	return -1
}

// scrape fetches and parses base/metrics.
func scrape(ctx context.Context, c *http.Client, base string) (sample, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s/metrics: status %d", base, resp.StatusCode)
	}
	return parseMetrics(resp.Body)
}

// rssOf reads a process's resident set size from /proc, in bytes.
func rssOf(pid int) (float64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return parseVmRSS(f)
}

// parseVmRSS finds VmRSS in the text of /proc/PID/status.
func parseVmRSS(r io.Reader) (float64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			fields := strings.Fields(rest)
			if len(fields) == 2 && fields[1] == "kB" {
				kb, err := strconv.ParseFloat(fields[0], 64)
				return kb * 1024, err
			}
		}
	}
	return 0, fmt.Errorf("no VmRSS line")
}

// peakRSS samples the server's resident memory every interval until ctx ends and returns the
// highest value seen: from /proc when pid is set (no load on the server), else from its metrics.
func peakRSS(ctx context.Context, c *http.Client, base string, pid int, interval time.Duration) <-chan float64 {
	out := make(chan float64, 1)
	go func() {
		var peak float64
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			var v float64
			if pid > 0 {
				v, _ = rssOf(pid)
			} else if s, err := scrape(context.WithoutCancel(ctx), c, base); err == nil {
				v = s[rssMetric]
			}
			peak = max(peak, v)
			select {
			case <-ctx.Done():
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

// drain waits, for at most limit, until the server has no request in flight.
func drain(ctx context.Context, c *http.Client, base string, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if s, err := scrape(ctx, c, base); err != nil || s[inFlightMetric] <= 0 {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// clockTicks is the unit of a process's CPU times in /proc/PID/stat (USER_HZ), 100 on Linux.
const clockTicks = 100

// processCPU returns the user and system CPU time a process has used, from /proc/PID/stat.
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseStatCPU(string(b))
}

// parseStatCPU reads utime and stime (fields 14 and 15) from a /proc/PID/stat line. The command
// name (field 2, in parentheses) may hold spaces, so fields are counted after its last ')'.
func parseStatCPU(stat string) (time.Duration, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("not a /proc stat line: %.80q", stat)
	}
	fields := strings.Fields(stat[i+1:]) // from field 3 (state) on
	if len(fields) < 13 {
		return 0, fmt.Errorf("a /proc stat line with %d fields after the name", len(fields))
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc stat CPU time %q: %w", f, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}
