// Package entitlement answers whether a partner may use what it redeemed:
// its online seats and on-premises licences against the grants of its
// program years, within the country and worldwide maximums.
package entitlement
