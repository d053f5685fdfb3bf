"""Channel adapters: one module per kanal, turning its payloads into InboundMessages and sending replies."""
