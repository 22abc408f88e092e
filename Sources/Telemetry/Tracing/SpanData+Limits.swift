extension SpanData {
    /// Sets an attribute under the span limits, counting it as dropped when it does not fit.
    mutating func record(_ key: String, _ value: AttributeValue, limits: SpanLimits) {
        if !attributes.set(key, value, limits: limits.attributes) { droppedAttributesCount += 1 }
    }

    /// Appends an event under the span limits (its attributes under the event limits).
    mutating func record(_ event: SpanEvent, limits: SpanLimits) {
        guard events.count < limits.eventCount else {
            droppedEventsCount += 1
            return
        }
        let (kept, dropped) = event.attributes.limited(by: limits.eventAttributes)
        events.append(
            SpanEvent(
                event.name, attributes: kept, timestamp: event.timestamp,
                droppedAttributesCount: event.droppedAttributesCount + dropped))
    }

    /// Appends a link under the span limits (its attributes under the link limits).
    mutating func record(_ link: SpanLink, limits: SpanLimits) {
        guard links.count < limits.linkCount else {
            droppedLinksCount += 1
            return
        }
        let (kept, dropped) = link.attributes.limited(by: limits.linkAttributes)
        links.append(SpanLink(link.context, attributes: kept, droppedAttributesCount: link.droppedAttributesCount + dropped))
    }
}
