package zettle

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
)

// maxPages bounds the pages one list answer may come in: a service that keeps
// linking to a next page would otherwise hold a read forever.
const maxPages = 1000

// webLink is one link of a Link header (RFC 8288): its target as written and
// its parameters, names in lower case.
type webLink struct {
	target string
	params map[string]string
}

// hasRel reports whether the link's rel, a space-separated list of relation
// types, holds rel.
func (l webLink) hasRel(rel string) bool {
	for _, r := range strings.Fields(l.params["rel"]) {
		if strings.EqualFold(r, rel) {
			return true
		}
	}
	return false
}

// parseLinks reads Link header values: each a comma-separated list of
// `<target>; name=value; name="quoted value"`. Commas and semicolons inside
// the target or a quoted value do not separate anything.
func parseLinks(values []string) ([]webLink, error) {
	var links []webLink
	for _, v := range values {
		p := linkParser{s: v}
		for {
			p.skip(" \t,")
			if p.done() {
				break
			}
			l, err := p.link()
			if err != nil {
				return nil, fmt.Errorf("malformed Link header %q: %w", v, err)
			}
			links = append(links, l)
		}
	}
	return links, nil
}

type linkParser struct {
	s string
	i int
}

func (p *linkParser) done() bool { return p.i >= len(p.s) }

func (p *linkParser) skip(chars string) {
	for !p.done() && strings.IndexByte(chars, p.s[p.i]) >= 0 {
		p.i++
	}
}

// link reads one link-value, up to the comma that ends it or the end.
func (p *linkParser) link() (webLink, error) {
	if p.s[p.i] != '<' {
		return webLink{}, errors.New("a link must start with <")
	}
	end := strings.IndexByte(p.s[p.i:], '>')
	if end < 0 {
		return webLink{}, errors.New("a link's target has no closing >")
	}
	l := webLink{target: strings.TrimSpace(p.s[p.i+1 : p.i+end]), params: map[string]string{}}
	if strings.Contains(l.target, "<") {
		return webLink{}, errors.New("a link's target holds a <")
	}
	p.i += end + 1
	for {
		p.skip(" \t")
		if p.done() || p.s[p.i] == ',' {
			return l, nil
		}
		if p.s[p.i] != ';' {
			return webLink{}, fmt.Errorf("unexpected %q after a link", p.s[p.i])
		}
		p.i++
		p.skip(" \t")
		name := strings.ToLower(p.token())
		if name == "" {
			return webLink{}, errors.New("a link parameter has no name")
		}
		p.skip(" \t")
		value := ""
		if !p.done() && p.s[p.i] == '=' {
			p.i++
			p.skip(" \t")
			var err error
			if value, err = p.value(); err != nil {
				return webLink{}, err
			}
		}
		// RFC 8288: occurrences of a parameter after the first are ignored.
		if _, seen := l.params[name]; !seen {
			l.params[name] = value
		}
	}
}

// token reads up to a separator.
func (p *linkParser) token() string {
	start := p.i
	for !p.done() && strings.IndexByte(" \t;,=\"", p.s[p.i]) < 0 {
		p.i++
	}
	return p.s[start:p.i]
}

// value reads a token or a quoted string, with its backslash escapes.
func (p *linkParser) value() (string, error) {
	if p.done() || p.s[p.i] != '"' {
		return p.token(), nil
	}
	var b strings.Builder
	for p.i++; !p.done(); p.i++ {
		switch c := p.s[p.i]; c {
		case '"':
			p.i++
			return b.String(), nil
		case '\\':
			if p.i++; p.done() {
				return "", errors.New("a quoted value ends in a backslash")
			}
			b.WriteByte(p.s[p.i])
		default:
			b.WriteByte(c)
		}
	}
	return "", errors.New("a quoted value has no closing quote")
}

// nextPage returns the URL of the page after the one that answered from,
// or nil on the last page: the Link header's rel="next" target, resolved
// against from. A link that leaves the scheme and host of the API at base is
// refused: the next request would carry the access token there.
func nextPage(op string, status int, header http.Header, base, from *url.URL) (*url.URL, error) {
	links, err := parseLinks(header.Values("Link"))
	if err != nil {
		return nil, fmt.Errorf("%s: HTTP %d: %w", op, status, err)
	}
	for _, l := range links {
		if !l.hasRel("next") {
			continue
		}
		ref, err := url.Parse(l.target)
		if err != nil {
			return nil, fmt.Errorf("%s: HTTP %d: the next page's link %q is not a URL: %w", op, status, l.target, err)
		}
		next := from.ResolveReference(ref)
		if next.Scheme != base.Scheme || !strings.EqualFold(next.Host, base.Host) || next.User != nil {
			return nil, fmt.Errorf("%s: HTTP %d: the next page's link %s leaves the API at %s://%s; it is not followed, so that the access token goes nowhere else",
				op, status, next.Redacted(), base.Scheme, base.Host)
		}
		next.Fragment = ""
		return next, nil
	}
	return nil, nil
}

// mergePage adds a later page of a list answer to out, the pages before it:
// a list answer is a JSON array, or an object whose arrays hold the items.
// Arrays are appended to; every other field keeps the first page's value.
func mergePage(out, page any) error {
	dst, src := reflect.ValueOf(out).Elem(), reflect.ValueOf(page).Elem()
	switch dst.Kind() {
	case reflect.Slice:
		dst.Set(reflect.AppendSlice(dst, src))
	case reflect.Struct:
		for i := range dst.NumField() {
			if f := dst.Field(i); f.Kind() == reflect.Slice && f.CanSet() {
				f.Set(reflect.AppendSlice(f, src.Field(i)))
			}
		}
	default:
		return fmt.Errorf("an answer of type %s cannot come in pages", dst.Type())
	}
	return nil
}
