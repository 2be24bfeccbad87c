//! What every terminal table shares: a quiet borderless style, colour only when asked.

use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};

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

    /// A cell coloured when colour is on.
    pub(crate) fn colored(self, text: impl ToString, color: Color) -> Cell {
        let cell = Cell::new(text);
        if self.color { cell.fg(color) } else { cell }
    }
}

/// Writes a table without the trailing spaces that padding leaves on each line.
pub(crate) fn write_table(out: &mut dyn std::io::Write, table: &mut Table) -> std::io::Result<()> {
    // Borderless columns read best flush left with two spaces between them.
    for column in table.column_iter_mut() {
        column.set_padding((0, 2));
    }
    for line in table.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
