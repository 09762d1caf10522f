//! The `store` import: the component's rows, kept by the host's
//! [`EventStore`](crate::storage::EventStore), with a count of the rows
//! committed during a call (so a trap after the commit is reported as such).

use crate::bindings::{self, ChainHead, Row, ScanRequest, StoreError};
use crate::state::host_state::HostState;

impl bindings::audit::log::store::Host for HostState {
    fn append(&mut self, rows: Vec<Row>) -> Result<(), StoreError> {
        let count = rows.len();
        self.storage.append(rows)?;
        self.rows_stored += count;
        Ok(())
    }

    fn begin_read(&mut self) -> Result<(), StoreError> {
        self.storage.begin_read()?;
        self.reading = true;
        Ok(())
    }

    fn end_read(&mut self) {
        self.storage.end_read();
        self.reading = false;
    }

    fn head(&mut self, tenant: String) -> Result<Option<ChainHead>, StoreError> {
        self.storage.head(&tenant)
    }

    fn scan(&mut self, request: ScanRequest) -> Result<Vec<Row>, StoreError> {
        self.storage.scan(&request)
    }

    fn count(&mut self, request: ScanRequest) -> Result<u64, StoreError> {
        self.storage.count(&request)
    }

    fn get(&mut self, tenant: String, id: String) -> Result<Option<Row>, StoreError> {
        self.storage.get(&tenant, &id)
    }

    fn get_settings(&mut self, tenant: String) -> Result<Option<String>, StoreError> {
        self.storage.get_settings(&tenant)
    }

    fn put_settings(&mut self, tenant: String, settings: String) -> Result<(), StoreError> {
        self.storage.put_settings(&tenant, &settings)
    }

    fn purge(
        &mut self,
        tenant: String,
        through_seq: u64,
        expected_count: u64,
        anchor: Row,
    ) -> Result<(), StoreError> {
        self.storage
            .purge(&tenant, through_seq, expected_count, anchor)
    }
}
