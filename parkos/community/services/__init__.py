"""Every write of the community app, one module per area: talent, jobs (fairs, training), bookings, events."""
