//! What every terminal table shares: a quiet borderless style, colour only when asked.

use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};

use crate::escape::{table_line, visible};

/// How a table is laid out for the place it is written to.
#[derive(Clone, Copy, Debug, Default)]
pub struct TableOptions {
    /// Colour and bold (a terminal without `NO_COLOR`).
    pub color: bool,
    /// Wrap to the terminal's width (a terminal); otherwise never wrap (pipes, files, CI logs).
    pub wrap: bool,
}

impl TableOptions {
    pub(crate) fn table(self, header: &[&str]) -> Table {
        let mut table = Table::new();
        table.load_style(presets::NOTHING);
        if self.color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        table.set_content_arrangement(if self.wrap {
            ContentArrangement::Dynamic
        } else {
            ContentArrangement::Disabled
        });
        table.set_header(header.iter().map(|h| self.header_cell(h)));
        table
    }

    fn header_cell(self, text: &str) -> Cell {
        let cell = Cell::new(text);
        if self.color {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }

    /// A cell coloured when colour is on, its text made [`visible`].
    pub(crate) fn colored(self, text: impl Into<String>, color: Color) -> Cell {
        let cell = cell(text);
        if self.color { cell.fg(color) } else { cell }
    }
}

/// A cell whose text is made [`visible`]: every cell of a terminal table is made by it or by
/// [`TableOptions::colored`], so no control character from input reaches the terminal. Line
/// breaks stay: comfy-table lays them out inside the cell (a set's elements, one per line).
pub(crate) fn cell(text: impl Into<String>) -> Cell {
    let text: String = text.into();
    let lines: Vec<_> = text.split('\n').map(visible).collect();
    Cell::new(lines.join("\n"))
}

/// Writes a table without the trailing spaces that padding leaves on each line. Each line goes
/// through [`table_line`] as well: the table's colours stay, nothing else raw does.
pub(crate) fn write_table(out: &mut dyn std::io::Write, table: &mut Table) -> std::io::Result<()> {
    // Borderless columns read best flush left with two spaces between them.
    for column in table.column_iter_mut() {
        column.set_padding((0, 2));
    }
    for line in table.lines() {
        writeln!(out, "{}", table_line(line.trim_end()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table of hostile cells, in colour: the table's own colours stay, and every control
    /// character from the cells is shown, not sent.
    #[test]
    fn table_cells_from_input_send_no_control_to_the_terminal() {
        let options = TableOptions {
            color: true,
            wrap: false,
        };
        let mut table = options.table(&["VALUE", "SEVERITY"]);
        for text in crate::escape::tests::HOSTILE {
            table.add_row(vec![cell(*text), options.colored("high", Color::Magenta)]);
        }
        let mut out = Vec::new();
        write_table(&mut out, &mut table).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut without_colours = String::new();
        let mut rest = text.as_str();
        while let Some(c) = rest.chars().next() {
            if let Some(len) = crate::escape::sgr_len(rest) {
                rest = &rest[len..];
            } else {
                without_colours.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        assert!(
            !without_colours
                .chars()
                .any(|c| c != '\n' && crate::escape::is_hazard(c)),
            "{without_colours:?}"
        );
        insta::assert_snapshot!(without_colours);
    }
}
