package ui

import (
	"os"

	"charm.land/bubbles/v2/help"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
)

// styles are the looks shared by every screen. With NO_COLOR set they carry
// no colour at all; the selected row then stays visible through its "›"
// marker and reverse video, which are not colours.
type styles struct {
	noColor bool

	title       lipgloss.Style
	tab         lipgloss.Style
	activeTab   lipgloss.Style
	header      lipgloss.Style
	selected    lipgloss.Style
	dim         lipgloss.Style
	label       lipgloss.Style
	success     lipgloss.Style
	errorText   lipgloss.Style
	status      lipgloss.Style
	box         lipgloss.Style
	help        help.Styles
	formTheme   huh.Theme
	searchLabel lipgloss.Style
}

// noColorEnv reports whether the NO_COLOR convention asks for no colour
// (https://no-color.org: any non-empty value).
func noColorEnv() bool { return os.Getenv("NO_COLOR") != "" }

func newStyles(noColor bool) styles {
	s := styles{noColor: noColor}
	base := lipgloss.NewStyle()
	if noColor {
		s.title = base.Bold(true)
		s.tab = base.Padding(0, 1)
		s.activeTab = base.Padding(0, 1).Bold(true).Underline(true)
		s.header = base.Bold(true)
		s.selected = base.Reverse(true)
		s.dim = base
		s.label = base.Bold(true)
		s.success = base
		s.errorText = base.Bold(true)
		s.status = base
		s.box = base.Border(lipgloss.NormalBorder()).Padding(0, 1)
		s.searchLabel = base.Bold(true)
		s.help = help.Styles{
			ShortKey: base.Bold(true), ShortDesc: base, ShortSeparator: base, Ellipsis: base,
			FullKey: base.Bold(true), FullDesc: base, FullSeparator: base,
		}
		s.formTheme = markedButtons(huh.ThemeBase)
		return s
	}
	accent := lipgloss.Color("63")
	muted := lipgloss.Color("245")
	s.title = base.Bold(true).Foreground(accent)
	s.tab = base.Padding(0, 1).Foreground(muted)
	s.activeTab = base.Padding(0, 1).Bold(true).Foreground(lipgloss.Color("230")).Background(accent)
	s.header = base.Bold(true).Foreground(lipgloss.Color("252"))
	s.selected = base.Reverse(true)
	s.dim = base.Foreground(muted)
	s.label = base.Bold(true).Foreground(lipgloss.Color("111"))
	s.success = base.Foreground(lipgloss.Color("42"))
	s.errorText = base.Foreground(lipgloss.Color("203"))
	s.status = base.Foreground(lipgloss.Color("252"))
	s.box = base.Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1)
	s.searchLabel = base.Bold(true).Foreground(accent)
	s.help = help.DefaultDarkStyles()
	s.formTheme = markedButtons(huh.ThemeCharm)
	return s
}

// markedButtons wraps the chosen button of yes/no questions in brackets,
// so the choice reads without colour too ("[ Yes ]   No").
func markedButtons(theme func(isDark bool) *huh.Styles) huh.Theme {
	return huh.ThemeFunc(func(isDark bool) *huh.Styles {
		t := theme(isDark)
		mark := func(s string) string { return "[" + s + "]" }
		space := func(s string) string { return " " + s + " " }
		t.Focused.FocusedButton = t.Focused.FocusedButton.Transform(mark)
		t.Focused.BlurredButton = t.Focused.BlurredButton.Transform(space)
		t.Blurred.FocusedButton = t.Blurred.FocusedButton.Transform(mark)
		t.Blurred.BlurredButton = t.Blurred.BlurredButton.Transform(space)
		return t
	})
}
