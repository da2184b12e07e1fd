"""Single sign-on with OpenID Connect (issue 16): DfE Sign-in for staff, GOV.UK One Login for
social workers. `providers` reads the settings and the providers' published metadata,
`tokens` checks what a provider sends back, `services` decides who that is."""
