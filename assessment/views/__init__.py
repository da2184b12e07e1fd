"""Assessment pages, one module per sub-domain (mirroring `assessment.services`);
`assessment.urls` names each page from its module. Each view checks access, validates input,
calls one service or selector and renders."""
