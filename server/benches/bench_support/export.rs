//! The customer list's CSV export over the search section's list (N customers, default
//! 100,000): the whole list streamed through the export's writer chunk by chunk, as the
//! download's response body takes it. Reports when the first chunk is ready, the whole
//! file's time and size, and the largest chunk (what is held at once).

use std::time::Instant;

use app::domain::{CustomerQuery, ExportColumn, Scope};
use app::i18n::Locale;
use salesdesk::services::customer_index::CustomerIndex;
use salesdesk::services::export::CustomerCsv;

type Error = Box<dyn std::error::Error>;

pub async fn export_list(index: &CustomerIndex) -> Result<(), Error> {
    let started = Instant::now();
    let rows = index.matching(&Scope::All, &CustomerQuery::default()).await;
    let total = rows.remaining();
    let (mut first, mut bytes, mut chunks, mut largest) = (None, 0usize, 0usize, 0usize);
    for chunk in CustomerCsv::new(rows, ExportColumn::ALL.to_vec(), Locale::zh) {
        let chunk = chunk?;
        first.get_or_insert_with(|| started.elapsed());
        bytes += chunk.len();
        chunks += 1;
        largest = largest.max(chunk.len());
    }
    let whole = started.elapsed();
    println!(
        "[export]  {total} customers as CSV, every column: first chunk after {:.1} ms, whole file {:.0} ms, {:.1} MB in {chunks} chunks, largest chunk {:.1} KB",
        first.unwrap_or(whole).as_secs_f64() * 1000.0,
        whole.as_secs_f64() * 1000.0,
        bytes as f64 / 1_048_576.0,
        largest as f64 / 1024.0
    );
    Ok(())
}
