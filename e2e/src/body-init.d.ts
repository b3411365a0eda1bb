// The generated gateway client (src/gateway-client) names the DOM's `BodyInit`; @types/node
// declares fetch and its RequestInit but not that alias, and the DOM lib would bring browser
// globals into Node code.
type BodyInit = NonNullable<RequestInit['body']>;
