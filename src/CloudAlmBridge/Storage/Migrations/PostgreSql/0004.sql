-- Version 4: the W3C trace context of the Cloud ALM call that accepted a delivery, so its delivery continues that trace.
ALTER TABLE deliveries ADD COLUMN trace_parent TEXT;
